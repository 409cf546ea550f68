import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ArtifactTable } from "../../../components/builds/artifact-table.tsx";
import { BootInstructions } from "../../../components/builds/boot-instructions.tsx";
import { BuildLog } from "../../../components/builds/build-log.tsx";
import { BuildSummary } from "../../../components/builds/build-summary.tsx";
import { LiveRefresh } from "../../../components/builds/live-refresh.tsx";
import { StageList } from "../../../components/builds/stage-list.tsx";
import { ActionButton } from "../../../components/ui/action-button.tsx";
import { ServiceMissing } from "../../../components/ui/service-missing.tsx";
import { cancelBuild } from "../../../lib/actions/cancel-build.ts";
import { requestOrigin } from "../../../lib/data/request-origin.ts";
import { serviceIfRunning } from "../../../lib/data/service.ts";
import { redactSpec } from "../../../lib/spec/redact.ts";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Build ${(await params).id.slice(0, 8)}` };
}

export default async function BuildPage({ params }: Props) {
  const { id } = await params;
  const service = serviceIfRunning();
  if (!service) return <ServiceMissing />;
  const build = await service.getBuild(id);
  if (!build) notFound();
  const [schematic, origin] = await Promise.all([service.getSchematic(build.schematicId), requestOrigin()]);
  const running = build.status === "queued" || build.status === "running";
  return (
    <>
      <LiveRefresh active={running} />
      <h1 className="page-title">
        Build <span className="mono">{build.id.slice(0, 8)}</span>
        {schematic ? <span className="muted"> of {schematic.spec.name}</span> : null}
      </h1>
      {running ? (
        <div className="build-actions">
          <ActionButton action={cancelBuild} arg={build.id} label="Cancel build" pendingLabel="Cancelling…" className="button" />
        </div>
      ) : null}
      <div className="two-columns">
        <BuildSummary build={build} />
        <section className="card" aria-labelledby="stages-title">
          <h2 id="stages-title">Stages</h2>
          <StageList stages={build.stages} running={running} />
        </section>
      </div>
      <BuildLog buildId={build.id} />
      {build.artifacts.length > 0 ? (
        <section className="card" aria-labelledby="artifacts-title">
          <h2 id="artifacts-title">Artifacts</h2>
          <ArtifactTable buildId={build.id} schematicId={build.schematicId} artifacts={build.artifacts} />
        </section>
      ) : null}
      {build.status === "succeeded" && schematic ? (
        <BootInstructions
          spec={redactSpec(schematic.spec)}
          schematicId={schematic.id}
          files={build.artifacts.map((a) => a.file)}
          origin={origin}
        />
      ) : null}
    </>
  );
}
