"use client";
// While a build runs, re-renders the page's server components every few seconds (status,
// stages, artifacts); client state such as the log terminal stays as it is.
import { useRouter } from "next/navigation";
import { useEffect } from "react";

export function LiveRefresh({ active, everyMs = 1000 }: { active: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, router]);
  return null;
}
