"use client";
import { useMemo } from "react";
import { specToYaml } from "../../lib/spec/spec-yaml.ts";
import { CopyButton } from "../ui/copy-button.tsx";
import { useConfigurator } from "./configurator-context.tsx";

export function YamlView() {
  const { spec } = useConfigurator();
  const yaml = useMemo(() => specToYaml(spec), [spec]);
  return (
    <div className="panel-block">
      <div className="panel-heading">
        <h3 id="spec-yaml-label">Spec (YAML)</h3>
        <CopyButton text={yaml} label="Copy YAML" />
      </div>
      <pre className="yaml" data-testid="spec-yaml">
        {yaml}
      </pre>
      <p className="muted small">
        Build it anywhere with <code>npx brokkr build spec.yaml --out out</code>.
      </p>
    </div>
  );
}
