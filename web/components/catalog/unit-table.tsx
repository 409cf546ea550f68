import type { UnitData } from "../../lib/data/catalog-data.ts";

export function UnitTable({ units }: { units: UnitData[] }) {
  return (
    <table>
      <caption className="sr-only">Systemd units</caption>
      <thead>
        <tr>
          <th scope="col">Unit</th>
          <th scope="col">Enables</th>
          <th scope="col">Installs</th>
          <th scope="col">Default</th>
        </tr>
      </thead>
      <tbody>
        {units.map((u) => {
          const byArch = Object.entries(u.enableByArch ?? {}).map(([a, list]) => `${a}: ${list?.join(" ")}`);
          return (
            <tr key={u.id}>
              <th scope="row">
                <span className="mono">{u.id}</span>
                <div className="muted small">{u.description}</div>
                {u.requires?.packages.length ? (
                  <div className="small">only with {u.requires.packages.join(", ")}</div>
                ) : null}
              </th>
              <td className="mono small">
                {u.enable.join(" ")}
                {byArch.map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
              <td className="mono small">
                {u.files.map((f) => (
                  <div key={f.path}>{f.install}</div>
                ))}
              </td>
              <td>{u.default ? "on" : "off"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
