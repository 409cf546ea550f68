// Next.js for Brokkr's web UI. The app imports the composer by package name:
// @brokkr/composer/browser in pages and components, @brokkr/composer on the server. The workspace
// symlink points at the composer's TypeScript, and the repository root, which Next finds by its
// package-lock.json, is Turbopack's root, so those files compile like the app's own.
import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
