// Argument checks live in core so that every package reports bad input in the same format.
export {
  argError,
  checkNonNegativeInt,
  checkPositiveInt,
  checkProbability,
  ErlangenError,
  fmtShape,
} from '@erlangen/core';
