// Next resolves "server-only" itself (a build error when a client bundle imports it).
declare module "server-only";
