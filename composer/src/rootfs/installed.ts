// What the rootfs stages know about each unpacked package.
export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
  multiArch: string;
  /** The package's DEBIAN/control text. */
  control: string;
  /** Other control members: conffiles, md5sums, postinst, ... */
  controlFiles: Map<string, Buffer>;
  /** Paths the package shipped, as dpkg lists them ("/usr/bin/ls"), in archive order. */
  files: string[];
}
