"use client";
import { COMPONENTS } from "@brokkr/composer/browser";
import { Choice } from "./choice.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems, useFieldAria } from "./field-problems.tsx";

const ABOUT: Record<(typeof COMPONENTS)[number], string> = {
  main: "Free software, the Debian system itself.",
  contrib: "Free software that needs something outside main.",
  "non-free": "Software with restrictive licences.",
  "non-free-firmware": "Firmware blobs some drivers need (Wi-Fi, GPUs).",
};

export function DebianArchive() {
  const { spec, update } = useConfigurator();
  const suiteAria = useFieldAria("debian.suite");
  return (
    <fieldset className="subsection">
      <legend>Debian archive</legend>
      <div className="field field-narrow">
        <label htmlFor="debian-suite">Suite</label>
        <input
          id="debian-suite"
          type="text"
          value={spec.debian.suite}
          spellCheck={false}
          onChange={(e) => {
            const suite = e.currentTarget.value;
            update((d) => void (d.debian.suite = suite));
          }}
          {...suiteAria}
        />
        <FieldProblems path="debian.suite" />
      </div>
      <fieldset className="choices choices-row">
        <legend className="sr-only">Components</legend>
        {COMPONENTS.map((c) => (
          <Choice
            key={c}
            type="checkbox"
            name="debian.components"
            value={c}
            checked={spec.debian.components.includes(c)}
            label={c}
            description={ABOUT[c]}
            onChange={(on) =>
              update((d) => {
                d.debian.components = on
                  ? [...d.debian.components, c]
                  : d.debian.components.filter((x) => x !== c);
              })
            }
          />
        ))}
      </fieldset>
      <FieldProblems path="debian.components" />
    </fieldset>
  );
}
