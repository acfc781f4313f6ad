export { KubefedFederation, KUBEFED_FEDERATION_TYPE } from "./component";
export { KubefedControlPlane, KUBEFED_CONTROL_PLANE_TYPE } from "./control-plane";
export { KUBEFED_CHART_REPOSITORY, KUBEFED_CHART_VERSION } from "./control-plane-release";
export type {
    ClusterDescription,
    ControlPlaneReference,
    FederatedDeploymentArgs,
    FederatedResourceArgs,
    FederatedTypeArgs,
    FederationScope,
    KubefedControlPlaneArgs,
    KubefedFederationArgs,
    MemberClusterArgs,
    OverridePatch,
    OverrideRule,
    ResourcePropagation,
    ServerAddressByClientCIDR,
    TLSValidation,
} from "./args";
export { KubefedValidationError } from "./validate";
