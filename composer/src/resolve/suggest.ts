// "Did you mean" for unknown package names: nearest names by edit distance.

/** Up to `limit` names closest to `wanted`, nearest first, then in name order. */
export function suggestNames(wanted: string, names: Iterable<string>, limit = 5): string[] {
  const max = Math.max(2, Math.floor(wanted.length / 3));
  const found: { name: string; d: number }[] = [];
  for (const name of names) {
    if (Math.abs(name.length - wanted.length) > max && !name.startsWith(wanted)) continue;
    // A name that extends the wanted one (`openssh` → `openssh-server`) is a good guess too.
    // It ranks after one-letter typos and before two-letter ones.
    const d = name.startsWith(wanted) ? 1.5 : editDistance(wanted, name, max);
    if (d <= max) found.push({ name, d });
  }
  found.sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found.slice(0, limit).map((f) => f.name);
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
