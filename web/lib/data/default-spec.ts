import type { ImageSpec } from "../../../composer/src/spec/image-spec.ts";
import { parseSpecValue } from "../../../composer/src/spec/parse.ts";

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
