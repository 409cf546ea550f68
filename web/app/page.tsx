import { connection } from "next/server";
import { ConfiguratorClient } from "../components/configurator/configurator-client.tsx";
import { createAndBuild } from "../lib/actions/create-and-build.ts";
import { getCatalogData } from "../lib/data/catalog.ts";
import { defaultSpec } from "../lib/data/default-spec.ts";
import { serviceIfRunning } from "../lib/data/service.ts";
import { redactSpec } from "../lib/spec/redact.ts";
import { decodeSpecParam } from "../lib/spec/spec-url.ts";

type Props = { searchParams: Promise<{ from?: string | string[]; spec?: string | string[] }> };

export default async function ConfigurePage({ searchParams }: Props) {
  // The catalog is read per request: adding a port file needs no rebuild.
  await connection();
  const { from, spec } = await searchParams;
  const inUrl = typeof spec === "string" ? decodeSpecParam(spec) : undefined;
  const [catalog, start] = await Promise.all([getCatalogData(), inUrl ?? startingSpec(from)]);
  return (
    <>
      <h1 className="page-title">Configure an image</h1>
      {/* A new `from` is a new form, not an edit of the one on screen. */}
      <ConfiguratorClient
        key={typeof from === "string" ? from : "new"}
        catalog={catalog}
        initialSpec={start}
        action={createAndBuild}
      />
    </>
  );
}

/** `/?from=<schematic-id>` starts from a stored schematic ("Edit a copy"). */
async function startingSpec(from: string | string[] | undefined) {
  if (typeof from === "string" && /^[0-9a-f]{64}$/.test(from)) {
    const stored = await serviceIfRunning()?.getSchematic(from);
    // A copy shows "<redacted: set>" where a hash was: the user sets it anew or removes it.
    if (stored) return redactSpec(stored.spec);
  }
  return defaultSpec();
}
