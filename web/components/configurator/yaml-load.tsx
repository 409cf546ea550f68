"use client";
// Fills the form from YAML, pasted or from a file. A spec that the schema rejects loads
// nothing and its problems are listed here; one that only breaks catalog rules loads, and the
// form shows those problems where they belong.
import { useState } from "react";
import type { Problem } from "../../../composer/src/errors.ts";
import { yamlToSpec } from "../../lib/spec/spec-yaml.ts";
import { useConfigurator } from "./configurator-context.tsx";

export function YamlLoad() {
  const { replace } = useConfigurator();
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [loaded, setLoaded] = useState<string | null>(null);
  const load = (source: string, from: string) => {
    const result = yamlToSpec(source);
    if (result.ok) {
      replace(result.spec);
      setProblems([]);
      setLoaded(from);
    } else {
      setProblems(result.problems);
      setLoaded(null);
    }
  };
  return (
    <details className="panel-block yaml-load">
      <summary>Load a spec from YAML</summary>
      <label htmlFor="yaml-paste">Paste YAML</label>
      <textarea
        id="yaml-paste"
        rows={6}
        value={text}
        spellCheck={false}
        placeholder={"name: my-image\narch: aarch64\nports: [openssh-server]"}
        onChange={(e) => setText(e.currentTarget.value)}
        aria-describedby={problems.length > 0 ? "yaml-load-problems" : undefined}
      />
      <div className="button-row">
        <button type="button" className="button" onClick={() => load(text, "the pasted YAML")}>
          Load pasted YAML
        </button>
        <label className="button file-button">
          Open file…
          <input
            type="file"
            accept=".yaml,.yml,text/yaml,application/yaml"
            className="sr-only-file"
            onChange={async (e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              if (file) load(await file.text(), file.name);
              input.value = "";
            }}
          />
        </label>
      </div>
      <div aria-live="polite">
        {loaded ? <p className="status-ok">Loaded {loaded}.</p> : null}
        {problems.length > 0 ? (
          <ul className="problem-list" id="yaml-load-problems" data-testid="yaml-load-problems">
            {problems.map((p) => (
              <li key={`${p.path}:${p.message}`}>
                {p.path ? <span className="mono">{p.path}</span> : null} {p.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </details>
  );
}
