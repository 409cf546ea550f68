import type { Kernel } from "@brokkr/composer/browser";
import { ARCHES, PROTOCOLS } from "@brokkr/composer/browser";

export function KernelTable({ kernels }: { kernels: Kernel[] }) {
  return (
    <table>
      <caption className="sr-only">Kernels</caption>
      <thead>
        <tr>
          <th scope="col">Kernel</th>
          {ARCHES.map((a) => (
            <th key={a} scope="col">
              {a}
            </th>
          ))}
          <th scope="col">Cannot be started by</th>
        </tr>
      </thead>
      <tbody>
        {kernels.map((k) => (
          <tr key={k.id}>
            <th scope="row">
              <span className="mono">{k.id}</span>
              <div className="muted small">{k.description}</div>
              {k.dom0 ? <div className="small">dom0: {k.dom0}</div> : null}
            </th>
            {ARCHES.map((a) => {
              const entry = k.arches[a];
              return (
                <td key={a} className={entry ? "yes" : "no"}>
                  {entry ? entry.protocols.join(", ") : "—"}
                </td>
              );
            })}
            <td className="small">
              {PROTOCOLS.filter((p) => k.unsupportedProtocols?.[p]).map((p) => (
                <div key={p}>
                  <span className="mono">{p}</span>: {k.unsupportedProtocols?.[p]}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
