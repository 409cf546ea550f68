// Public API of the catalog.
export { loadCatalog } from "./load.ts";
export {
  type ArchSupport,
  type Catalog,
  type Driver,
  driverFileSchema,
  driverModules,
  imagePathsOf,
  type Kernel,
  type KernelArch,
  kernelFileSchema,
  type Port,
  portFileSchema,
  type Unit,
  unitFileSchema,
  unitsToEnable,
} from "./models.ts";
