"use client";
import { PROTOCOLS, type Protocol } from "@brokkr/composer/browser";
import { whyNotFirmware, whyNotProtocol } from "../../lib/spec/choices.ts";
import { Choice } from "./choice.tsx";
import { CmdlineInput } from "./cmdline-input.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { Step } from "./step.tsx";

const PROTOCOL_ABOUT: Record<Protocol, string> = {
  uefi: "A Unified Kernel Image: systemd-stub + kernel + initramfs + command line, one EFI file.",
  limine: "The Limine boot loader starts the kernel (BIOS or UEFI).",
  multiboot2: "GRUB starts a multiboot2 kernel such as Xen, which runs Linux as dom0.",
};

const FIRMWARES = [
  { id: "uefi", about: "UEFI firmware (OVMF, AAVMF, EDK2, U-Boot)." },
  { id: "bios", about: "Legacy PC BIOS (SeaBIOS)." },
] as const;

export function StepBoot() {
  const { spec, catalog, update } = useConfigurator();
  return (
    <Step id="boot" intro="How the firmware enters the kernel.">
      <fieldset className="choices">
        <legend>Boot protocol</legend>
        {PROTOCOLS.map((p) => (
          <Choice
            key={p}
            type="radio"
            name="boot.protocol"
            value={p}
            checked={spec.boot.protocol === p}
            label={p}
            description={PROTOCOL_ABOUT[p]}
            reason={whyNotProtocol(spec, catalog, p)}
            onChange={() => update((d) => void (d.boot.protocol = p))}
          />
        ))}
      </fieldset>
      <FieldProblems path="boot.protocol" />
      <fieldset className="choices choices-row">
        <legend>Firmware</legend>
        {FIRMWARES.map((f) => (
          <Choice
            key={f.id}
            type="radio"
            name="boot.firmware"
            value={f.id}
            checked={spec.boot.firmware === f.id}
            label={f.id}
            description={f.about}
            reason={whyNotFirmware(spec, catalog, f.id)}
            onChange={() => update((d) => void (d.boot.firmware = f.id))}
          />
        ))}
      </fieldset>
      <FieldProblems path="boot.firmware" />
      <CmdlineInput />
    </Step>
  );
}
