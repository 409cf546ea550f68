"use client";
import { ARCHES, type Arch } from "@brokkr/composer/browser";
import { Choice } from "./choice.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { Step } from "./step.tsx";
import { TextField } from "./text-field.tsx";

const ABOUT: Record<Arch, string> = {
  x86_64: "PCs and servers; QEMU q35 with OVMF.",
  aarch64: "64-bit Arm: QEMU virt with AAVMF, Raspberry Pi 4 and other UEFI boards.",
  riscv64: "RISC-V: QEMU virt with U-Boot or EDK2.",
};

export function StepArch() {
  const { spec, update } = useConfigurator();
  return (
    <Step id="arch" intro="The CPU the image runs on. Everything after this is checked against it.">
      <TextField
        path="name"
        label="Image name"
        value={spec.name}
        narrow
        help="Lowercase letters, digits and '-'; part of the file names and of the schematic ID."
        onChange={(v) => update((d) => void (d.name = v))}
      />
      <fieldset className="choices choices-row">
        <legend className="sr-only">Architecture</legend>
        {ARCHES.map((arch) => (
          <Choice
            key={arch}
            type="radio"
            name="arch"
            value={arch}
            checked={spec.arch === arch}
            label={arch}
            description={ABOUT[arch]}
            onChange={() => update((d) => void (d.arch = arch))}
          />
        ))}
      </fieldset>
      <FieldProblems path="arch" />
    </Step>
  );
}
