// Next.js for Brokkr's web UI. The app imports the composer's TypeScript straight from
// ../composer/src (with .ts extensions). The repository root, which Next finds by its
// package-lock.json, is Turbopack's root, so those files compile like the app's own.
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
