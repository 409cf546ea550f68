import type { Port } from "@brokkr/composer/browser";
import { AddToImage } from "./add-to-image.tsx";

export function PortCatalog({ ports }: { ports: Port[] }) {
  const categories = [...new Set(ports.map((p) => p.category))];
  if (ports.length === 0) return <p className="muted">No port matches.</p>;
  return (
    <>
      {categories.map((c) => (
        <section key={c} aria-labelledby={`ports-${c}`} className="port-category">
          <h3 id={`ports-${c}`}>
            {c} <span className="muted small">({ports.filter((p) => p.category === c).length})</span>
          </h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Port</th>
                <th scope="col">Debian packages</th>
                <th scope="col">Units enabled</th>
                <th scope="col">Arches</th>
              </tr>
            </thead>
            <tbody>
              {ports
                .filter((p) => p.category === c)
                .map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      <span className="mono">{p.id}</span>
                      <div className="muted small">{p.description}</div>
                      <AddToImage kind="ports" id={p.id} />
                    </th>
                    <td className="mono small">{p.packages.join(" ")}</td>
                    <td className="mono small">{p.units?.enable.join(" ") || "—"}</td>
                    <td className="small">{p.arches.join(", ")}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
