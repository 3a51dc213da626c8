/** A step's own failure (bad input, an expression error, a refusal): the step and execution fail with it. */
export class StepError extends Error {
  override readonly name = 'StepError';
}
