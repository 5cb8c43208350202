// Schema validation of one Kubernetes object with the kubernetes-models validators (built from the
// Kubernetes OpenAPI document), and the prometheus-operator models for its custom resources.

/** apiVersion -> module holding one model class per kind. Core objects ("v1") have no group. */
function modulePath(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

/** Problems found in `object` (empty when it is valid). An apiVersion/kind without a schema is a problem too. */
export async function schemaProblems(object) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["object without apiVersion and kind"];
  let models;
  try {
    models = await import(modulePath(apiVersion));
  } catch {
    return [`${kind}: no schema for apiVersion ${apiVersion}`];
  }
  const Model = models[kind];
  if (typeof Model !== "function") return [`${kind}: no schema for kind ${kind} in ${apiVersion}`];
  try {
    new Model(structuredClone(object)).validate();
    return [];
  } catch (error) {
    return [`${kind}/${object.metadata?.name}: ${error.message}`];
  }
}
