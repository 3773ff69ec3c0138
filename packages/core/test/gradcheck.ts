// The gradient check is public as `@erlangen/core/testing` so graph and grid test with the same one.
export {
  assertClose,
  type GradcheckMismatch,
  type GradcheckOptions,
  type GradcheckResult,
  gradcheck,
} from '../src/testing/index.js';
