export { KubefedFederation, KUBEFED_FEDERATION_TYPE } from "./component";
export { ClusterDescription, FederationScope, KubefedFederationArgs, MemberClusterArgs, ServerAddressByClientCIDR } from "./args";
export { KubefedValidationError } from "./validate";
