// Command webhook is KubeFed v0.10.0's admission webhook (its four handlers, unchanged) for the
// local environment, where pods are processes on one network namespace: it serves on the pod's own
// address (--bind-address) instead of every interface, and serves no metrics, so that two control
// planes (the environment's and the one a suite installs on a member) can run side by side.
// KubeFed's own command binds the webhook to :8443 and its metrics to :8080 on every interface,
// and has no flag to change either. Everything else is as in sigs.k8s.io/kubefed/cmd/webhook.
package main

import (
	"flag"
	"net/http"

	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/manager/signals"
	ctrwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"sigs.k8s.io/kubefed/pkg/controller/webhook/federatedtypeconfig"
	"sigs.k8s.io/kubefed/pkg/controller/webhook/kubefedcluster"
	"sigs.k8s.io/kubefed/pkg/controller/webhook/kubefedconfig"
)

func main() {
	klog.InitFlags(nil)
	kubeconfig := flag.String("kubeconfig", "", "Path to a kubeconfig.")
	certDir := flag.String("cert-dir", "", "The directory where the TLS certs are located.")
	port := flag.Int("secure-port", 8443, "The port on which to serve HTTPS.")
	host := flag.String("bind-address", "", "The address to serve HTTPS on (the pod's IP).")
	flag.Parse()

	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("error setting up webhook's config: %s", err)
	}
	mgr, err := manager.New(config, manager.Options{
		Host:               *host,
		Port:               *port,
		CertDir:            *certDir,
		MetricsBindAddress: "0",
	})
	if err != nil {
		klog.Fatalf("error setting up webhook manager: %s", err)
	}
	hookServer := mgr.GetWebhookServer()
	hookServer.Register("/validate-federatedtypeconfigs", &ctrwebhook.Admission{Handler: &federatedtypeconfig.FederatedTypeConfigAdmissionHook{}})
	hookServer.Register("/validate-kubefedcluster", &ctrwebhook.Admission{Handler: &kubefedcluster.KubeFedClusterAdmissionHook{}})
	hookServer.Register("/validate-kubefedconfig", &ctrwebhook.Admission{Handler: &kubefedconfig.KubeFedConfigValidator{}})
	hookServer.Register("/default-kubefedconfig", &ctrwebhook.Admission{Handler: &kubefedconfig.KubeFedConfigDefaulter{}})
	hookServer.WebhookMux.Handle("/readyz/", http.StripPrefix("/readyz/", &healthz.Handler{}))
	klog.Infof("KubeFed admission webhook serving on %s:%d", *host, *port)
	if err := mgr.Start(signals.SetupSignalHandler()); err != nil {
		klog.Fatalf("unable to run manager: %s", err)
	}
}
