"use client";
// Fills the form from YAML, pasted or from a file, judged by the same check the API runs
// (checkSpecValue). A spec that the schema rejects loads nothing, and every problem the API
// would report is listed here, apart from the form's own status; one that only breaks catalog
// rules loads, and the form shows those problems where they belong.
import { useState } from "react";
import type { Problem } from "@brokkr/composer/browser";
import { checkSpecValue } from "@brokkr/composer/browser";
import { parseYamlText } from "@brokkr/composer/browser";
import { HintText } from "../ui/hint-text.tsx";
import { useConfigurator } from "./configurator-context.tsx";

export function YamlLoad() {
  const { replace, catalog } = useConfigurator();
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [loaded, setLoaded] = useState<string | null>(null);
  const [rejected, setRejected] = useState<string | null>(null);
  const load = (source: string, from: string) => {
    let value: unknown;
    try {
      value = parseYamlText(source, from);
    } catch (e) {
      setProblems([{ path: "", message: (e as Error).message }]);
      setLoaded(null);
      setRejected(from);
      return;
    }
    const check = checkSpecValue(value, catalog);
    if (check.spec) {
      replace(check.spec);
      setProblems([]);
      setLoaded(from);
      setRejected(null);
    } else {
      setProblems(check.problems);
      setLoaded(null);
      setRejected(from);
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
        {rejected && problems.length > 0 ? (
          <div className="paste-rejected" id="yaml-load-problems" data-testid="yaml-load-problems">
            <p>
              <strong>
                Not loaded: {rejected} has {problems.length} problem{problems.length === 1 ? "" : "s"}
              </strong>{" "}
              (the form is unchanged).
            </p>
            <ul className="problem-list">
              {problems.map((p) => (
                <li key={`${p.path}:${p.message}`}>
                  {p.path ? <span className="mono">{p.path}</span> : null} {p.message}
                  {p.hint ? (
                    <div className="hint">
                      <HintText hint={p.hint} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </details>
  );
}
