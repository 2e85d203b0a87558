#!/usr/bin/env python3
"""Lists the functions longer than LIMIT lines (signature to closing brace) and
exits 1 if there are any: `make lint` keeps every function within 120.

    python3 cmake/lint_functions.py LIMIT FILE...

Functions are found at namespace and class scope by their braces, after
comments, strings and character literals are blanked out; lambdas and blocks
count towards the function that holds them."""
import re
import sys

def strip(src):
    out=[];i=0;n=len(src)
    while i<n:
        c=src[i]
        if src.startswith('//',i):
            j=src.find('\n',i); j=n if j<0 else j; out.append(' '*(j-i)); i=j
        elif src.startswith('/*',i):
            j=src.find('*/',i+2); j=n if j<0 else j+2; out.append(''.join(ch if ch=='\n' else ' ' for ch in src[i:j])); i=j
        elif src.startswith('R"',i):
            m=re.match(r'R"([^(]*)\(',src[i:]); d=m.group(1); j=src.find(')'+d+'"',i)+len(d)+2
            out.append(''.join(ch if ch=='\n' else ' ' for ch in src[i:j])); i=j
        elif c in '"\'':
            j=i+1
            while j<n and src[j]!=c:
                j+= 2 if src[j]=='\\' else 1
            out.append(c+' '*(j-i-1)+c); i=j+1
        else: out.append(c); i+=1
    return ''.join(out)
limit=int(sys.argv[1])
files=sys.argv[2:]
bad=0
for f in files:
    s=strip(open(f).read())
    stack=[]  # (kind, startline)
    last=0  # index after last ; { }
    for i,c in enumerate(s):
        if c=='{':
            head=s[last:i]
            h=' '.join(head.split())
            kind='block'
            inner=any(k=='func' for k,_ in stack)
            if not inner:
                if re.search(r'\b(namespace|class|struct|union|enum)\b',h) and not re.search(r'\)\s*(const)?\s*$',h) or h.startswith('extern') or h=='':
                    kind='scope'
                elif re.search(r'\)\s*(const|noexcept|override|final|\s|->\s*[\w:<>&*, ]+)*$',h) or re.search(r'\)\s*:\s*.*$',h) :
                    if not re.match(r'^(if|for|while|switch|catch|else|do)\b',h) and '=' not in h.split('(')[0]:
                        kind='func'
                    elif '=' in h.split('(')[0] and re.search(r'operator\s*=',h): kind='func'
            line=s.count('\n',0,i-len(head)+ (len(head)-len(head.lstrip())))+1
            stack.append((kind,line))
            last=i+1
        elif c=='}':
            if stack:
                kind,start=stack.pop()
                if kind=='func':
                    end=s.count('\n',0,i)+1
                    if end-start+1>limit:
                        bad+=1; print(f"{f}:{start}: a function of {end-start+1} lines (at most {limit})")
            last=i+1
        elif c==';':
            last=i+1
if bad:
    print(f"{bad} functions over {limit} lines", file=sys.stderr)
    sys.exit(1)
