export { KubefedFederation, KUBEFED_FEDERATION_TYPE } from "./component";
export type { ClusterDescription, FederatedDeploymentArgs, FederationScope, KubefedFederationArgs, MemberClusterArgs, ServerAddressByClientCIDR, TLSValidation } from "./args";
export { KubefedValidationError } from "./validate";
