/**
 * A CSR grouping of positions by target bucket, built on the host by a stable counting sort: the
 * positions that add into bucket t are perm[starts[t]] … perm[starts[t + 1] − 1], in increasing
 * order, so a gather-style segmented sum adds them in the order the CPU's scatter loop does.
 *
 * `targets[p]` is the bucket of position p; shapes: targets [positions] → starts [buckets + 1],
 * perm [positions].
 */
export function buildSegments(
  targets: Int32Array,
  buckets: number,
): { starts: Float32Array; perm: Float32Array } {
  const starts = new Float32Array(buckets + 1);
  for (let p = 0; p < targets.length; p++) starts[targets[p]! + 1]!++;
  for (let t = 0; t < buckets; t++) starts[t + 1]! += starts[t]!;
  const next = starts.slice(0, buckets);
  const perm = new Float32Array(targets.length);
  for (let p = 0; p < targets.length; p++) perm[next[targets[p]!]!++] = p;
  return { starts, perm };
}
