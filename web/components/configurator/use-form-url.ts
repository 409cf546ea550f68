"use client";
// Keeps the address bar in step with the form (after a short pause in typing: browsers throttle
// a flood of history updates) and the password hashes in local storage. The first state comes
// from the address bar, so crash recovery ("Try again") and the back button find the form as it was.
import { useEffect, useRef } from "react";
import type { ImageSpec } from "@brokkr/composer/browser";
import { restoreSecrets, saveSecrets } from "../../lib/spec/form-secrets.ts";
import { decodeSpecParam, encodeSpecParam, LAST_FORM_KEY, SPEC_PARAM } from "../../lib/spec/spec-url.ts";

const PAUSE_MS = 250;

/** The form in the address bar, if any; only in the browser (the server renders from props). */
export function specFromAddressBar(): ImageSpec | undefined {
  if (typeof window === "undefined") return undefined;
  return decodeSpecParam(new URLSearchParams(window.location.search).get(SPEC_PARAM));
}

export function useFormUrl(spec: ImageSpec, replace: (spec: ImageSpec) => void): void {
  const latest = useRef(spec);
  latest.current = spec;

  // Once, after hydration: the hashes this browser kept for the form in the address bar.
  useEffect(() => {
    const param = new URLSearchParams(window.location.search).get(SPEC_PARAM);
    if (!param) return;
    const restored = restoreSecrets(window.localStorage, param, latest.current);
    if (restored !== latest.current) replace(restored);
  }, [replace]);

  useEffect(() => {
    const write = () => {
      const param = encodeSpecParam(latest.current);
      saveSecrets(window.localStorage, param, latest.current);
      try {
        window.localStorage.setItem(LAST_FORM_KEY, param);
      } catch {
        // Storage denied: the Catalog's "Add to image" starts a new form instead.
      }
      const url = new URL(window.location.href);
      if (url.searchParams.get(SPEC_PARAM) === param) return;
      url.searchParams.delete("from");
      url.searchParams.set(SPEC_PARAM, param);
      window.history.replaceState(null, "", url);
    };
    const timer = setTimeout(write, PAUSE_MS);
    window.addEventListener("pagehide", write);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("pagehide", write);
    };
  }, [spec]);
}
