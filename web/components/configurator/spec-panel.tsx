"use client";
// The live side panel: what the spec is right now, and the way to build it.
import { type CreateAndBuild, CreateBuild } from "./create-build.tsx";
import { ProblemList } from "./problem-list.tsx";
import { SchematicIdView } from "./schematic-id-view.tsx";
import { SizeEstimate } from "./size-estimate.tsx";
import { YamlLoad } from "./yaml-load.tsx";
import { YamlView } from "./yaml-view.tsx";

export function SpecPanel(props: { action: CreateAndBuild }) {
  return (
    <aside className="spec-panel" aria-label="Spec summary">
      <SchematicIdView />
      <ProblemList />
      <SizeEstimate />
      <CreateBuild action={props.action} />
      <YamlView />
      <YamlLoad />
    </aside>
  );
}
