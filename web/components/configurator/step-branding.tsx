import { Step } from "./step.tsx";

export function StepBranding() {
  return (
    <Step id="branding">
      <div className="placeholder">
        <p>
          <strong>Coming soon:</strong> a boot splash in the UKI, a boot loader wallpaper and the os-release
          name. Images are built with Debian&apos;s defaults until then.
        </p>
      </div>
    </Step>
  );
}
