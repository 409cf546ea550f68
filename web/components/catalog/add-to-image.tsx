"use client";
// "Add to image": back to the configurator with the form last on screen (or a new one) plus this
// port or driver.
import { useRouter } from "next/navigation";
import { defaultSpec } from "../../lib/data/default-spec.ts";
import { addToSpecParam, LAST_FORM_KEY } from "../../lib/spec/spec-url.ts";

export function AddToImage(props: { kind: "ports" | "drivers"; id: string; disabledReason?: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="button button-small"
      aria-label={`Add ${props.id} to the image`}
      onClick={() => {
        let last: string | null = null;
        try {
          last = window.localStorage.getItem(LAST_FORM_KEY);
        } catch {
          // no storage: a new form
        }
        router.push(`/?spec=${addToSpecParam(last, defaultSpec(), props.kind, props.id)}`);
      }}
    >
      Add to image
    </button>
  );
}
