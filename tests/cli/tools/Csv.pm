# CSV reading for the scripts that score sfcohort's batch output
# (tests/cli/t_lookup_train.sh, bench/lookup_quality.sh, bench/febrl.sh):
#   perl -I tests/cli/tools -MCsv -e 'my %c = header($fh); my @f = fields($line); ...'
# RFC 4180 quoting, one line a row (sfcohort's output puts no newline in a field).
package Csv;
use strict;
use warnings;
use Exporter 'import';
our @EXPORT = qw(fields header);

# The fields of LINE (its line ending already removed).
sub fields {
  my ($l) = @_;
  my @f;
  while ($l =~ /\G(?:"((?:[^"]|"")*)"|([^,]*))(,|$)/g) {
    my $v = defined $1 ? $1 : $2;
    $v =~ s/""/"/g;
    push @f, $v;
    last if $3 eq "";
  }
  return @f;
}

# Reads the header line of FH (a UTF-8 byte order mark dropped) and returns
# each column's name => its index.
sub header {
  my ($fh) = @_;
  my $h = <$fh>;
  die "no header line\n" unless defined $h;
  $h =~ s/^\x{ef}\x{bb}\x{bf}//;
  $h =~ s/\r?\n$//;
  my @h = fields($h);
  my %c;
  @c{@h} = (0 .. $#h);
  return %c;
}

1;
