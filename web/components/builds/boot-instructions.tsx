import type { ImageSpec } from "@brokkr/composer/browser";
import { loginWays } from "../../lib/spec/login.ts";
import { qemuCommand } from "../../lib/view/qemu-command.ts";
import { CopyButton } from "../ui/copy-button.tsx";

export function BootInstructions(props: {
  spec: ImageSpec;
  schematicId: string;
  files: string[];
  origin: string;
}) {
  const { spec, schematicId, files, origin } = props;
  const command = qemuCommand({
    arch: spec.arch,
    firmware: spec.boot.firmware,
    protocol: spec.boot.protocol,
    files,
    baseUrl: `${origin}/images/${schematicId}`,
  });
  const pxe = files.includes("vmlinuz") ? `${origin}/pxe/${schematicId}/boot.ipxe` : undefined;
  return (
    <section className="card" aria-labelledby="boot-title">
      <h2 id="boot-title">Boot it</h2>
      {command ? (
        <>
          <div className="panel-heading">
            <h3>QEMU</h3>
            <CopyButton text={command} label="Copy command" />
          </div>
          <pre className="command" data-testid="qemu-command">
            {command}
          </pre>
          <LoginHint spec={spec} />
        </>
      ) : null}
      {pxe ? (
        <>
          <div className="panel-heading">
            <h3>PXE (iPXE)</h3>
            <CopyButton text={pxe} label="Copy URL" />
          </div>
          <pre className="command" data-testid="pxe-url">
            {pxe}
          </pre>
          <p className="muted small">
            From an iPXE prompt: <code>chain {pxe}</code>
          </p>
        </>
      ) : null}
      {!command && !pxe ? <p className="muted">This build has no disk or PXE files to boot.</p> : null}
    </section>
  );
}

/** How to get in, naming the image's real user; or that nobody can. */
function LoginHint({ spec }: { spec: ImageSpec }) {
  const ways = loginWays(spec);
  return (
    <p className="muted small" data-testid="login-hint">
      {ways.sshUser ? (
        <>
          SSH into it with <code>ssh -p 2222 {ways.sshUser}@127.0.0.1</code>.
        </>
      ) : ways.console ? (
        "No user can log in over SSH; log in on the console with the password set in the spec."
      ) : (
        `${ways.warning} Edit a copy of this schematic to add a user with an SSH key.`
      )}
    </p>
  );
}
