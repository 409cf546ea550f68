// A problem's hint as the web shows it: where the composer (speaking to a CLI user) points at a
// catalog folder, the web links to that section of the Catalog page instead.
const FOLDERS: [RegExp, string][] = [
  [/see ports\/<category>\/ for the list/, "#ports"],
  [/see kernel\/ for the list/, "#kernels"],
  [/see drivers\/ for the list/, "#drivers"],
  [/see units\/ for the list/, "#units"],
];

export function HintText({ hint }: { hint: string }) {
  for (const [pattern, anchor] of FOLDERS) {
    const m = pattern.exec(hint);
    if (!m) continue;
    return (
      <>
        {hint.slice(0, m.index)}
        see the <a href={`/catalog${anchor}`}>Catalog</a> for the list
        {hint.slice(m.index + m[0].length)}
      </>
    );
  }
  return <>{hint}</>;
}
