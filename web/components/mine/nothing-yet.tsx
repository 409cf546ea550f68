import Link from "next/link";

export function NothingYet() {
  return (
    <p className="muted" data-testid="nothing-yet">
      This browser has made no schematics yet: <Link href="/">configure an image</Link> and build it. Only
      what this browser made is listed here; a schematic&apos;s ID is what lets anyone see it.
    </p>
  );
}

export function NotAnswered({ message }: { message: string }) {
  return (
    <p className="field-problems" role="alert">
      {message}
    </p>
  );
}
