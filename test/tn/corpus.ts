// Einsum equations with operand shapes, shared by the einsum and path tests. Awkward sizes on
// purpose: 1, primes, non-multiples of any tile, intermediates larger than the inputs.
export const CORPUS: [string, number[][]][] = [
  // matmul family
  ['ij,jk->ik', [[13, 17], [17, 11]]],
  ['ij,jk', [[1, 7], [7, 1]]],
  ['ij,kj->ik', [[19, 23], [29, 23]]],
  ['ji,jk->ik', [[23, 19], [23, 31]]],
  ['ij,jk->ki', [[9, 37], [37, 10]]],
  ['bij,bjk->bik', [[3, 17, 13], [3, 13, 11]]],
  ['bij,jk->bik', [[4, 9, 7], [7, 12]]],
  ['ibj,bkj->bik', [[10, 3, 7], [3, 11, 7]]],
  ['i,i->', [[257], [257]]],
  ['i,i', [[37], [37]]],
  ['i,ij,j->', [[11], [11, 13], [13]]],
  ['ij,j->i', [[31, 29], [29]]],
  ['i,ij->j', [[5], [5, 41]]],
  // traces, diagonals, transposes, reductions
  ['ii->', [[17, 17]]],
  ['ii', [[5, 5]]],
  ['ii->i', [[13, 13]]],
  ['iji->j', [[7, 3, 7]]],
  ['iij->ij', [[3, 3, 5]]],
  ['ij->ji', [[7, 11]]],
  ['ijk->kij', [[2, 3, 5]]],
  ['ijk->', [[7, 11, 13]]],
  ['ijk->j', [[7, 11, 13]]],
  ['ij->', [[127, 129]]],
  ['ij,ij->ij', [[9, 13], [9, 13]]],
  ['ij,ij->', [[9, 13], [9, 13]]],
  ['ij,ji->', [[9, 13], [13, 9]]],
  ['ii,jj->ij', [[3, 3], [4, 4]]],
  // outer products (intermediates larger than inputs)
  ['i,j->ij', [[17], [19]]],
  ['i,j,k->ijk', [[3], [5], [7]]],
  ['ij,kl->ijkl', [[2, 3], [5, 7]]],
  ['ab,cd,bc->ad', [[6, 7], [8, 5], [7, 8]]],
  // ellipsis
  ['...ij,...jk->...ik', [[2, 3, 5, 7], [2, 3, 7, 4]]],
  ['...ij,jk->...ik', [[2, 3, 5, 7], [7, 4]]],
  ['...ij,...jk', [[1, 5, 7], [4, 7, 3]]],
  ['i...->...', [[5, 2, 3]]],
  ['...ii->...i', [[3, 4, 4]]],
  ['...,...->...', [[2, 1, 5], [2, 3, 1]]],
  // bilinear forms, size 1
  ['i,ij,j', [[7], [7, 9], [9]]],
  ['bi,bij,bj->b', [[3, 5], [3, 5, 6], [3, 6]]],
  ['ij,jk,kl->il', [[1, 1], [1, 1], [1, 1]]],
  // chains of 3-8 operands
  ['ab,bc,cd->ad', [[5, 7], [7, 11], [11, 3]]],
  ['ab,bc,cd,de->ae', [[4, 9], [9, 2], [2, 13], [13, 5]]],
  ['ab,bc,cd,de,ef->af', [[3, 5], [5, 7], [7, 2], [2, 11], [11, 3]]],
  ['ab,bc,cd,de,ef,fg->ag', [[3, 4], [4, 5], [5, 3], [3, 7], [7, 2], [2, 3]]],
  ['ab,bc,cd,de,ef,fg,gh->ah', [[2, 3], [3, 4], [4, 2], [2, 5], [5, 3], [3, 2], [2, 4]]],
  ['ab,bc,cd,de,ef,fg,gh,hi->ai', [[2, 3], [3, 2], [2, 3], [3, 2], [2, 3], [3, 2], [2, 3], [3, 2]]],
  // ring network (trace of a matrix product chain) and a small MPS-like network
  ['ab,bc,cd,de,ea->', [[3, 4], [4, 5], [5, 2], [2, 3], [3, 3]]],
  ['iaj,jbk,kci,a,b,c->', [[3, 2, 4], [4, 2, 5], [5, 2, 3], [2], [2], [2]]],
  ['pqrs,tuqvr->pstuv', [[3, 4, 5, 2], [3, 2, 4, 3, 5]]],
  ['abc,cde,efa->bdf', [[3, 4, 5], [5, 2, 3], [3, 2, 3]]],
  // GEMM-sized steps with permuted operands (strided loads), and a batch index on both
  ['kij,bjk->bik', [[16, 33, 24], [3, 24, 16]]],
  ['mk,kn->nm', [[40, 48], [48, 36]]],
];
