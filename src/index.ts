export { KubefedFederation, KUBEFED_FEDERATION_TYPE } from "./component";
export type {
    ClusterDescription,
    FederatedDeploymentArgs,
    FederatedResourceArgs,
    FederatedTypeArgs,
    FederationScope,
    KubefedFederationArgs,
    MemberClusterArgs,
    OverridePatch,
    OverrideRule,
    ResourcePropagation,
    ServerAddressByClientCIDR,
    TLSValidation,
} from "./args";
export { KubefedValidationError } from "./validate";
