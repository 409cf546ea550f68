import type { Driver } from "@brokkr/composer/browser";
import { ARCHES } from "@brokkr/composer/browser";
import { AddToImage } from "./add-to-image.tsx";

export function DriverTable({ drivers }: { drivers: Driver[] }) {
  return (
    <table>
      <caption className="sr-only">Drivers and where they work</caption>
      <thead>
        <tr>
          <th scope="col">Driver</th>
          <th scope="col">Modules</th>
          {ARCHES.map((a) => (
            <th key={a} scope="col">
              {a}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {drivers.map((d) => (
          <tr key={d.id} id={`driver-${d.id}`}>
            <th scope="row">
              <span className="mono">{d.id}</span>
              <div className="muted small">{d.hardware}</div>
              <AddToImage kind="drivers" id={d.id} />
            </th>
            <td className="mono small">
              {d.modules.join(" ")}
              {d.firmwarePackages.length > 0 ? (
                <div className="muted">firmware: {d.firmwarePackages.join(", ")}</div>
              ) : null}
            </td>
            {ARCHES.map((a) => {
              const s = d.arches[a];
              return s.supported ? (
                <td key={a} className="yes">
                  ✓ works
                  {s.extraModules?.length ? (
                    <div className="mono small muted">+ {s.extraModules.join(" ")}</div>
                  ) : null}
                </td>
              ) : (
                <td key={a} className="no small">
                  ✗ {s.reason}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
