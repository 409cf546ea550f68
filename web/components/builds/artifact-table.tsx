import type { ArtifactRecord } from "../../lib/service/types.ts";
import { formatBytes } from "../../lib/view/format.ts";
import { CopyButton } from "../ui/copy-button.tsx";

export function ArtifactTable(props: { buildId: string; schematicId: string; artifacts: ArtifactRecord[] }) {
  return (
    <table data-testid="artifacts">
      <caption className="sr-only">Artifacts</caption>
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Size</th>
          <th scope="col">sha256</th>
          <th scope="col">Download</th>
        </tr>
      </thead>
      <tbody>
        {props.artifacts.map((a) => (
          <tr key={a.file}>
            <th scope="row" className="mono">
              {a.file}
            </th>
            <td className="small">{formatBytes(a.size)}</td>
            <td className="mono small sha">
              <span title={a.sha256}>{a.sha256.slice(0, 16)}…</span> <CopyButton text={a.sha256} />
            </td>
            <td className="small">
              <a
                href={`/api/builds/${props.buildId}/${a.file}`}
                download
                aria-label={`Download ${a.file} of this build`}
              >
                this build
              </a>
              {" · "}
              <a
                href={`/images/${props.schematicId}/${a.file}`}
                aria-label={`Download ${a.file}, latest good build of the schematic`}
              >
                latest
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
