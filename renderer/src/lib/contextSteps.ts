/** Context lengths for the "KV memory against context length" chart. */

/** Smallest context charted: below this every recipe holds the whole prompt and the lines coincide. */
export const MIN_CHART_CONTEXT = 1024;

/** Powers of two from MIN_CHART_CONTEXT up to maxContext, ending exactly at maxContext. */
export function contextSteps(maxContext: number, min = MIN_CHART_CONTEXT): number[] {
  if (maxContext < min) return [maxContext];
  const steps: number[] = [];
  for (let n = min; n < maxContext; n *= 2) steps.push(n);
  steps.push(maxContext);
  return steps;
}
