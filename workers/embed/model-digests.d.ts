/** The digests of the shipped model files, by `<name>@<dtype>` (workers/embed/model-digests-plugin.ts). */
declare module 'virtual:model-digests' {
  const digests: Readonly<Record<string, string>>;
  export default digests;
}
