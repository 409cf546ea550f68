"use client";
// Copies text to the clipboard. navigator.clipboard exists only in secure contexts, and Brokkr
// is often opened as http://<lan-address>, so a selected textarea + execCommand is the fallback.
import { useState } from "react";

async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused: try the old way.
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}

export function CopyButton(props: { text: string; label?: string; className?: string }) {
  const [done, setDone] = useState<"copied" | "failed" | null>(null);
  const label = props.label ?? "Copy";
  return (
    <button
      type="button"
      className={props.className ?? "button button-small"}
      onClick={async () => {
        setDone((await copyText(props.text)) ? "copied" : "failed");
        setTimeout(() => setDone(null), 1500);
      }}
    >
      <span aria-live="polite">
        {done === "copied" ? "Copied" : done === "failed" ? "Copy failed" : label}
      </span>
    </button>
  );
}
