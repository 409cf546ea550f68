"use client";
// The boot splash: an image uploaded to POST /api/assets (same origin), converted there to the
// BMP systemd-stub shows; the spec keeps only its sha256 (branding.splash).
import { useState } from "react";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { Step } from "./step.tsx";

interface Uploaded {
  id: string;
  width: number;
  height: number;
}

async function uploadSplash(file: File): Promise<Uploaded> {
  const form = new FormData();
  form.append("file", file, file.name);
  const res = await fetch("/api/assets", { method: "POST", body: form });
  const body = (await res.json().catch(() => null)) as (Uploaded & { error?: { message: string; hint?: string } }) | null;
  if (!res.ok || !body || body.error) {
    const e = body?.error;
    throw new Error(e ? `${e.message}${e.hint ? ` — ${e.hint}` : ""}` : `upload failed (HTTP ${res.status})`);
  }
  return body;
}

export function StepBranding() {
  const { spec, update } = useConfigurator();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [size, setSize] = useState<string | null>(null);
  const splash = spec.branding?.splash;
  return (
    <Step
      id="branding"
      intro="A boot splash shown by the UKI's stub before the kernel starts (UEFI boot). PNG, JPEG, WebP or SVG, up to 5 MiB; it is scaled to fit 800×600."
    >
      <div className="button-row">
        <label className="button file-button">
          {busy ? "Uploading…" : splash ? "Replace splash image…" : "Upload splash image…"}
          <input
            type="file"
            name="branding.splash"
            data-testid="splash-file"
            accept="image/png,image/jpeg,image/webp,image/svg+xml"
            className="sr-only-file"
            disabled={busy}
            onChange={async (e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              input.value = "";
              if (!file) return;
              setBusy(true);
              setError(null);
              try {
                const asset = await uploadSplash(file);
                setSize(`${asset.width}×${asset.height}`);
                update((d) => void (d.branding = { splash: asset.id }));
              } catch (err) {
                setError(err instanceof Error ? err.message : String(err));
              } finally {
                setBusy(false);
              }
            }}
          />
        </label>
        {splash ? (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setSize(null);
              update((d) => void delete d.branding);
            }}
          >
            Remove splash
          </button>
        ) : null}
      </div>
      <div aria-live="polite">
        {error ? (
          <p className="field-problems" role="alert">
            {error}
          </p>
        ) : null}
        {splash ? (
          <figure className="splash-preview">
            <img src={`/api/assets/${splash}/thumbnail.png`} alt="Boot splash preview" data-testid="splash-thumbnail" />
            <figcaption className="muted small">
              {size ? `${size} BMP, ` : ""}
              <span className="mono">sha256:{splash.slice(0, 12)}…</span>
            </figcaption>
          </figure>
        ) : (
          <p className="muted">No splash: the firmware&apos;s screen stays as it is while booting.</p>
        )}
      </div>
      <FieldProblems path="branding" />
    </Step>
  );
}
