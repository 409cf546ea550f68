"use client";
import { OUTPUTS, type Output } from "@brokkr/composer/browser";
import { whyNotOutput } from "../../lib/spec/choices.ts";
import { Choice } from "./choice.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { Step } from "./step.tsx";
import { toggled } from "./toggle-list.ts";

const ABOUT: Record<Output, string> = {
  disk: "disk.img: a GPT disk with an EFI system partition, for dd or a VM.",
  uki: "uki.efi: the Unified Kernel Image alone, to boot from any ESP.",
  pxe: "vmlinuz + initrd.img + cmdline, and an iPXE script to boot them over the network.",
  iso: "image.iso: a hybrid ISO 9660 image (UEFI El Torito; BIOS too with Limine) for a CD or, written with dd, a USB stick.",
  qcow2: "disk.qcow2: disk.img as a QEMU qcow2 disk.",
};

const LAYOUTS = [
  { id: "initramfs", about: "The whole root file system is the initramfs: diskless, PXE-friendly, fast." },
  {
    id: "partition",
    about: "A read-only EROFS root partition with an overlay on a state partition: changes survive a reboot.",
  },
] as const;

export function StepOutputs() {
  const { spec, catalog, update } = useConfigurator();
  return (
    <Step id="outputs" intro="What to build, and where the root file system lives.">
      <fieldset className="choices">
        <legend className="sr-only">Outputs</legend>
        {OUTPUTS.map((o) => (
          <Choice
            key={o}
            type="checkbox"
            name="outputs"
            value={o}
            checked={spec.outputs.includes(o)}
            label={o}
            description={ABOUT[o]}
            reason={whyNotOutput(spec, catalog, o)}
            onChange={(on) => update((d) => void (d.outputs = toggled(d.outputs, o, on) as Output[]))}
          />
        ))}
      </fieldset>
      <FieldProblems path="outputs" />
      <fieldset className="choices choices-row">
        <legend>Root file system</legend>
        {LAYOUTS.map((l) => (
          <Choice
            key={l.id}
            type="radio"
            name="rootfs.layout"
            value={l.id}
            checked={spec.rootfs.layout === l.id}
            label={l.id}
            description={l.about}
            reason={
              l.id === "partition" && spec.boot.protocol !== "uefi"
                ? "a root partition is mounted by the UKI's early stage: only boot protocol uefi builds it"
                : undefined
            }
            onChange={() => update((d) => void (d.rootfs.layout = l.id))}
          />
        ))}
      </fieldset>
      <FieldProblems path="rootfs" />
    </Step>
  );
}
