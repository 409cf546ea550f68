import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BuildHistory } from "../../../components/schematics/build-history.tsx";
import { SchematicSummary } from "../../../components/schematics/schematic-summary.tsx";
import { ActionButton } from "../../../components/ui/action-button.tsx";
import { ServiceMissing } from "../../../components/ui/service-missing.tsx";
import { buildSchematic } from "../../../lib/actions/build-schematic.ts";
import { requestOrigin } from "../../../lib/data/request-origin.ts";
import { serviceIfRunning } from "../../../lib/data/service.ts";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Schematic ${(await params).id.slice(0, 12)}` };
}

export default async function SchematicPage({ params }: Props) {
  const { id } = await params;
  const service = serviceIfRunning();
  if (!service) return <ServiceMissing />;
  if (!/^[0-9a-f]{64}$/.test(id)) notFound();
  const schematic = await service.getSchematic(id);
  if (!schematic) notFound();
  const [builds, good, origin] = await Promise.all([
    service.listBuilds(id),
    service.latestGoodBuild(id),
    requestOrigin(),
  ]);
  return (
    <>
      <h1 className="page-title">
        Schematic <span className="mono">{schematic.spec.name}</span>
      </h1>
      <div className="button-row page-actions">
        <ActionButton action={buildSchematic} arg={id} label="Build" pendingLabel="Starting…" />
        <Link className="button" href={`/?from=${id}`}>
          Edit a copy
        </Link>
      </div>
      <div className="two-columns">
        <SchematicSummary schematic={schematic} origin={origin} goodBuild={good} />
        <section className="card" aria-labelledby="builds-title">
          <h2 id="builds-title">Builds</h2>
          <BuildHistory builds={builds} />
        </section>
      </div>
    </>
  );
}
