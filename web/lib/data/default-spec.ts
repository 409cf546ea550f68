import type { ImageSpec } from "@brokkr/composer/browser";
import { parseSpecValue } from "@brokkr/composer/browser";

/** What the configurator starts from: a small x86_64 image with SSH. */
export function defaultSpec(): ImageSpec {
  return parseSpecValue({
    name: "my-image",
    arch: "x86_64",
    drivers: ["virtio"],
    ports: ["openssh-server"],
    outputs: ["disk", "pxe"],
  });
}
