// BLAKE2b compression (RFC 7693, section 3.2) for x86-64, in the base
// instruction set. One hash is a single chain of dependent 64-bit additions,
// XORs and rotations, so its speed is the length of that chain:
// - fifteen of the sixteen working words stay in registers (a compiler
//   spills several, and every spill lengthens the chain); the sixteenth,
//   v[11], lives in a stack slot;
// - each G adds the message word to a before adding b, the word computed
//   last, so a half of G is six dependent instructions, not seven;
// - the four G of a column or diagonal step are interleaved instruction by
//   instruction;
// - h stays in registers from block to block.
// On vector units the same chain is slower: SIMD adds and rotations take two
// cycles on the CPUs we measured, against one for these. See
// crypto/blake2b.hpp for the measurements and how this is checked.
//
// void sf_blake2b_x86_64_blocks(uint64_t st[10], const uint8_t* p, size_t n,
//                               uint64_t inc, uint64_t final);
// st holds h[0..7] and the byte counter t[0..1]. For each of the n (>= 1)
// 128-byte blocks at p: t += inc, then compress with the final flag word
// f0 = final (0, or all ones for the last block).

#define V0 %rax
#define V1 %rbx
#define V2 %rcx
#define V3 %rdx
#define V4 %rsi
#define V5 %rdi
#define V6 %rbp
#define V7 %r8
#define V8 %r9
#define V9 %r10
#define V10 %r11
#define V11 128(%rsp)
#define V12 %r12
#define V13 %r13
#define V14 %r14
#define V15 %r15

// The frame: 0-127 the block being compressed (the rounds address message
// words from %rsp), 128 v[11], then the arguments, the counter and a copy of
// h for the feed-forward. 264 bytes keep %rsp 16-byte aligned after the six
// pushes.
#define ST 136(%rsp)
#define PTR 144(%rsp)
#define LEFT 152(%rsp)
#define INC 160(%rsp)
#define FIN 168(%rsp)
#define T0 176(%rsp)
#define T1 184(%rsp)
#define H 192
#define FRAME 264

// Half of four G functions, one instruction of each in turn: a += x + b,
// d = (d ^ a) >>> r1, c += d, b = (b ^ c) >>> r2; the message word goes in
// first, as b is the word computed last.
.macro HALF4 a0,b0,c0,d0,x0, a1,b1,c1,d1,x1, a2,b2,c2,d2,x2, a3,b3,c3,d3,x3, r1,r2
  addq \x0*8(%rsp), \a0
  addq \x1*8(%rsp), \a1
  addq \x2*8(%rsp), \a2
  addq \x3*8(%rsp), \a3
  addq \b0, \a0
  addq \b1, \a1
  addq \b2, \a2
  addq \b3, \a3
  xorq \a0, \d0
  xorq \a1, \d1
  xorq \a2, \d2
  xorq \a3, \d3
  rorq $\r1, \d0
  rorq $\r1, \d1
  rorq $\r1, \d2
  rorq $\r1, \d3
  addq \d0, \c0
  addq \d1, \c1
  addq \d2, \c2
  addq \d3, \c3
  xorq \c0, \b0
  xorq \c1, \b1
  xorq \c2, \b2
  xorq \c3, \b3
  rorq $\r2, \b0
  rorq $\r2, \b1
  rorq $\r2, \b2
  rorq $\r2, \b3
.endm

// Four G functions (RFC 7693, section 3.1).
.macro G4 a0,b0,c0,d0,x0,y0, a1,b1,c1,d1,x1,y1, a2,b2,c2,d2,x2,y2, a3,b3,c3,d3,x3,y3
  HALF4 \a0,\b0,\c0,\d0,\x0, \a1,\b1,\c1,\d1,\x1, \a2,\b2,\c2,\d2,\x2, \a3,\b3,\c3,\d3,\x3, 32, 24
  HALF4 \a0,\b0,\c0,\d0,\y0, \a1,\b1,\c1,\d1,\y1, \a2,\b2,\c2,\d2,\y2, \a3,\b3,\c3,\d3,\y3, 16, 63
.endm

// One round: the columns, then the diagonals, with message schedule s.
.macro ROUND s0,s1,s2,s3,s4,s5,s6,s7,s8,s9,s10,s11,s12,s13,s14,s15
  G4 V0,V4,V8,V12,\s0,\s1, V1,V5,V9,V13,\s2,\s3, V2,V6,V10,V14,\s4,\s5, V3,V7,V11,V15,\s6,\s7
  G4 V0,V5,V10,V15,\s8,\s9, V1,V6,V11,V12,\s10,\s11, V2,V7,V8,V13,\s12,\s13, V3,V4,V9,V14,\s14,\s15
.endm

  .text
  .globl sf_blake2b_x86_64_blocks
  .hidden sf_blake2b_x86_64_blocks
  .type sf_blake2b_x86_64_blocks, @function
  .p2align 5
sf_blake2b_x86_64_blocks:
  .cfi_startproc
  pushq %rbx
  .cfi_adjust_cfa_offset 8
  .cfi_rel_offset %rbx, 0
  pushq %rbp
  .cfi_adjust_cfa_offset 8
  .cfi_rel_offset %rbp, 0
  pushq %r12
  .cfi_adjust_cfa_offset 8
  .cfi_rel_offset %r12, 0
  pushq %r13
  .cfi_adjust_cfa_offset 8
  .cfi_rel_offset %r13, 0
  pushq %r14
  .cfi_adjust_cfa_offset 8
  .cfi_rel_offset %r14, 0
  pushq %r15
  .cfi_adjust_cfa_offset 8
  .cfi_rel_offset %r15, 0
  subq $FRAME, %rsp
  .cfi_adjust_cfa_offset FRAME

  movq %rdi, ST
  movq %rsi, PTR
  movq %rdx, LEFT
  movq %rcx, INC
  movq %r8, FIN
  movq 64(%rdi), %rax
  movq %rax, T0
  movq 72(%rdi), %rax
  movq %rax, T1
  // h, kept on the stack for the feed-forward and in V0..V7
  movdqu 0(%rdi), %xmm0
  movdqu 16(%rdi), %xmm1
  movdqu 32(%rdi), %xmm2
  movdqu 48(%rdi), %xmm3
  movdqa %xmm0, H+0(%rsp)
  movdqa %xmm1, H+16(%rsp)
  movdqa %xmm2, H+32(%rsp)
  movdqa %xmm3, H+48(%rsp)
  movq H+0(%rsp), V0
  movq H+8(%rsp), V1
  movq H+16(%rsp), V2
  movq H+24(%rsp), V3
  movq H+32(%rsp), V4
  movq H+40(%rsp), V5
  movq H+48(%rsp), V6
  movq H+56(%rsp), V7

.Lblock:
  // The block, copied where the rounds can address it from %rsp; V8 and
  // V12 are free until the words are set below.
  movq PTR, V8
  movdqu 0(V8), %xmm0
  movdqu 16(V8), %xmm1
  movdqu 32(V8), %xmm2
  movdqu 48(V8), %xmm3
  movdqu 64(V8), %xmm4
  movdqu 80(V8), %xmm5
  movdqu 96(V8), %xmm6
  movdqu 112(V8), %xmm7
  movdqa %xmm0, 0(%rsp)
  movdqa %xmm1, 16(%rsp)
  movdqa %xmm2, 32(%rsp)
  movdqa %xmm3, 48(%rsp)
  movdqa %xmm4, 64(%rsp)
  movdqa %xmm5, 80(%rsp)
  movdqa %xmm6, 96(%rsp)
  movdqa %xmm7, 112(%rsp)
  addq $128, V8
  movq V8, PTR
  movq INC, V8
  addq V8, T0
  adcq $0, T1

  movabsq $0xA54FF53A5F1D36F1, V12
  movq V12, V11
  movabsq $0x6A09E667F3BCC908, V8
  movabsq $0xBB67AE8584CAA73B, V9
  movabsq $0x3C6EF372FE94F82B, V10
  movabsq $0x510E527FADE682D1, V12
  xorq T0, V12
  movabsq $0x9B05688C2B3E6C1F, V13
  xorq T1, V13
  movabsq $0x1F83D9ABFB41BD6B, V14
  xorq FIN, V14
  movabsq $0x5BE0CD19137E2179, V15

  ROUND 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  ROUND 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3
  ROUND 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4
  ROUND 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8
  ROUND 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13
  ROUND 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9
  ROUND 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11
  ROUND 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10
  ROUND 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5
  ROUND 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0
  ROUND 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  ROUND 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3

  // h[i] ^= v[i] ^ v[i + 8]: the new h is left in V0..V7 for the next block.
  xorq V8, V0
  xorq V9, V1
  xorq V10, V2
  xorq V11, V3
  xorq V12, V4
  xorq V13, V5
  xorq V14, V6
  xorq V15, V7
  xorq H+0(%rsp), V0
  xorq H+8(%rsp), V1
  xorq H+16(%rsp), V2
  xorq H+24(%rsp), V3
  xorq H+32(%rsp), V4
  xorq H+40(%rsp), V5
  xorq H+48(%rsp), V6
  xorq H+56(%rsp), V7
  movq V0, H+0(%rsp)
  movq V1, H+8(%rsp)
  movq V2, H+16(%rsp)
  movq V3, H+24(%rsp)
  movq V4, H+32(%rsp)
  movq V5, H+40(%rsp)
  movq V6, H+48(%rsp)
  movq V7, H+56(%rsp)
  decq LEFT
  jnz .Lblock

  movq ST, V8
  movq V0, 0(V8)
  movq V1, 8(V8)
  movq V2, 16(V8)
  movq V3, 24(V8)
  movq V4, 32(V8)
  movq V5, 40(V8)
  movq V6, 48(V8)
  movq V7, 56(V8)
  movq T0, V9
  movq V9, 64(V8)
  movq T1, V9
  movq V9, 72(V8)
  // The copies of the block and of h on the stack are not left behind.
  pxor %xmm0, %xmm0
  movdqa %xmm0, 0(%rsp)
  movdqa %xmm0, 16(%rsp)
  movdqa %xmm0, 32(%rsp)
  movdqa %xmm0, 48(%rsp)
  movdqa %xmm0, 64(%rsp)
  movdqa %xmm0, 80(%rsp)
  movdqa %xmm0, 96(%rsp)
  movdqa %xmm0, 112(%rsp)
  movdqa %xmm0, 128(%rsp)
  movdqa %xmm0, H+0(%rsp)
  movdqa %xmm0, H+16(%rsp)
  movdqa %xmm0, H+32(%rsp)
  movdqa %xmm0, H+48(%rsp)

  addq $FRAME, %rsp
  .cfi_adjust_cfa_offset -FRAME
  popq %r15
  .cfi_adjust_cfa_offset -8
  popq %r14
  .cfi_adjust_cfa_offset -8
  popq %r13
  .cfi_adjust_cfa_offset -8
  popq %r12
  .cfi_adjust_cfa_offset -8
  popq %rbp
  .cfi_adjust_cfa_offset -8
  popq %rbx
  .cfi_adjust_cfa_offset -8
  ret
  .cfi_endproc
  .size sf_blake2b_x86_64_blocks, .-sf_blake2b_x86_64_blocks

  .section .note.GNU-stack, "", @progbits
