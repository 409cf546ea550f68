// "Did you mean" support: the close names for a mistyped id, field or unit.

/** Levenshtein distance, small strings only (ids and field names). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Names close to `wanted`: a small edit away, or one containing the other. Best first, at most `max`. */
export function closeNames(wanted: string, names: Iterable<string>, max = 5): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  const scored: Array<[number, string]> = [];
  for (const name of names) {
    const n = name.toLowerCase();
    const d = editDistance(w, n);
    if (d <= limit) scored.push([d, name]);
    else if (w.length >= 3 && (n.includes(w) || w.includes(n))) scored.push([limit + 1, name]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  return scored.slice(0, max).map(([, name]) => name);
}

/** Quotes and joins a list for a message: 'a', 'b' or 'c'. */
export function quoteList(names: readonly unknown[], joiner = "or"): string {
  const q = names.map((n) => (typeof n === "string" ? `'${n}'` : String(n)));
  if (q.length <= 1) return q.join("");
  return `${q.slice(0, -1).join(", ")} ${joiner} ${q[q.length - 1]}`;
}
