// A load generator in its own process, so the clients do not share an event loop (or a core's
// time slice) with the server they measure: `node scripts/load.ts URL COUNT CONCURRENCY`
// prints the sorted latencies in milliseconds as JSON.
const [url, count = "1000", concurrency = "100"] = process.argv.slice(2);
if (!url) throw new Error("usage: node scripts/load.ts URL COUNT CONCURRENCY");
const times: number[] = [];
let left = Number(count);
const worker = async () => {
  while (left-- > 0) {
    const t0 = performance.now();
    const res = await fetch(url);
    // Read the body as a stream without keeping it: big downloads measure the server, not a copy.
    for await (const _ of res.body ?? []) {
    }
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    times.push(performance.now() - t0);
  }
};
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
process.stdout.write(JSON.stringify(times.sort((a, b) => a - b)));
