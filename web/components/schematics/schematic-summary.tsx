import type { BuildRecord, SchematicRecord } from "../../lib/service/types.ts";
import { hasSecrets, redactSpec } from "../../lib/spec/redact.ts";
import { specToYaml } from "../../lib/spec/spec-yaml.ts";
import { formatTime } from "../../lib/view/format.ts";
import { CopyButton } from "../ui/copy-button.tsx";

export function SchematicSummary(props: {
  schematic: SchematicRecord;
  origin: string;
  goodBuild: BuildRecord | undefined;
}) {
  const { schematic, origin, goodBuild } = props;
  // Password hashes are never shown back (lib/spec/redact.ts); the ID still covers them.
  const yaml = specToYaml(redactSpec(schematic.spec));
  const pxe = `${origin}/pxe/${schematic.id}/boot.ipxe`;
  return (
    <section className="card" aria-labelledby="spec-title">
      <dl className="key-value">
        <dt>Schematic ID</dt>
        <dd className="mono" data-testid="schematic-id">
          {schematic.id}
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(schematic.createdAt)}</dd>
        <dt>Image</dt>
        <dd>
          {schematic.spec.arch} · {schematic.spec.boot.protocol} · {schematic.spec.outputs.join(", ")}
        </dd>
        {goodBuild && schematic.spec.outputs.includes("pxe") ? (
          <>
            <dt>PXE boot</dt>
            <dd className="mono">{pxe}</dd>
          </>
        ) : null}
      </dl>
      <div className="panel-heading">
        <h2 id="spec-title">Spec</h2>
        <CopyButton text={yaml} label="Copy YAML" />
      </div>
      <pre className="yaml" data-testid="spec-yaml">
        {yaml}
      </pre>
      {hasSecrets(schematic.spec) ? (
        <p className="field-help" data-testid="redacted-note">
          Password hashes are redacted: the schematic ID covers them, but the server never shows them.
        </p>
      ) : null}
    </section>
  );
}
