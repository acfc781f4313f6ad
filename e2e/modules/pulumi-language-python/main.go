// Command pulumi-language-python is a SMALL STAND-IN for Pulumi's Python
// language host, written for this project's local end-to-end environment,
// for the same reason as ../pulumi-language-nodejs: the real host's module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) has no
// tags and the pseudo-version of Pulumi v3.274.1's commit could not be found.
//
// It uses the Python toolchain support that github.com/pulumi/pulumi/sdk/v3
// v3.274.1 ships (pip / poetry / uv, virtualenv option) and runs
// pulumi-language-python-exec (from sdk/v3's python/ folder, installed next to
// this binary by e2e/build.sh) with the arguments and environment
// (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS) of the real host. Implemented:
// Handshake, GetPluginInfo, GetRequiredPackages (empty: the engine loads
// resource plugins from PATH on demand), Run, InstallDependencies, About,
// Cancel, and GeneratePackage (codegen.go, for `pulumi package gen-sdk`).
// Not implemented: type checkers, debugging, policy packs and plugins
// written in Python.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// exit code of the Python SDK meaning "the user already got an actionable message"
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	exec          string
	engineAddress string
	cancelCtx     context.Context
	cancel        context.CancelFunc
}

func main() {
	fs := flag.NewFlagSet(os.Args[0], flag.ContinueOnError)
	fs.String("tracing", "", "accepted for compatibility")
	useExecutor := fs.String("use-executor", "", "use this program instead of pulumi-language-python-exec next to this binary")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Bool("logtostderr", false, "accepted for compatibility")
	fs.Int("v", 0, "accepted for compatibility")
	fs.String("root", "", "accepted for compatibility")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	pyExec := *useExecutor
	if pyExec == "" {
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintf(os.Stderr, "could not determine current executable: %v\n", err)
			os.Exit(1)
		}
		pyExec = filepath.Join(filepath.Dir(self), "pulumi-language-python-exec")
		if _, err := os.Stat(pyExec); err != nil {
			fmt.Fprintf(os.Stderr, "missing executor %s: %v\n", pyExec, err)
			os.Exit(1)
		}
	}
	var engineAddress string
	if fs.NArg() > 0 {
		engineAddress = fs.Arg(0)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		stop()
		close(cancelChannel)
	}()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
			fmt.Fprintf(os.Stderr, "could not start health check: %v\n", err)
			os.Exit(1)
		}
	}
	hctx, hcancel := context.WithCancel(context.Background())
	h := &host{exec: pyExec, engineAddress: engineAddress, cancelCtx: hctx, cancel: hcancel}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

func parseOptions(root, programDir string, m map[string]any) (toolchain.PythonOptions, error) {
	o := toolchain.PythonOptions{Root: root, ProgramDir: programDir}
	if v, ok := m["virtualenv"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("virtualenv option must be a string")
		}
		o.Virtualenv = s
	}
	if v, ok := m["typechecker"]; ok {
		if s, _ := v.(string); s != "" {
			return o, fmt.Errorf("typechecker option %q is not supported by this stand-in language host", s)
		}
	}
	if v, ok := m["toolchain"]; ok {
		s, _ := v.(string)
		switch s {
		case "pip":
			o.Toolchain = toolchain.Pip
		case "poetry":
			o.Toolchain = toolchain.Poetry
		case "uv":
			o.Toolchain = toolchain.Uv
		default:
			return o, fmt.Errorf("unsupported toolchain option: %v", v)
		}
	}
	return o, nil
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) RuntimeOptionsPrompts(ctx context.Context, req *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	info := req.GetInfo()
	opts, err := parseOptions(info.GetRootDirectory(), info.GetProgramDirectory(), info.GetOptions().AsMap())
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	about, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: about.PythonExecutable,
		Version:    about.PythonVersion.String(),
		Metadata:   map[string]string{"host": "kubefed-e2e stand-in"},
	}, nil
}

type streamWriter struct{ send func([]byte) error }

func (w *streamWriter) Write(p []byte) (int, error) {
	if err := w.send(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	info := req.GetInfo()
	opts, err := parseOptions(info.GetRootDirectory(), info.GetProgramDirectory(), info.GetOptions().AsMap())
	if err != nil {
		return err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	stdout := &streamWriter{send: func(b []byte) error { return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b}) }}
	stderr := &streamWriter{send: func(b []byte) error { return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b}) }}
	return tc.InstallDependencies(server.Context(), info.GetProgramDirectory(), req.GetUseLanguageVersionTools(),
		true /*showOutput*/, stdout, stderr)
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	opts, err := parseOptions(info.GetRootDirectory(), info.GetProgramDirectory(), info.GetOptions().AsMap())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := []string{h.exec}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("project", req.GetProject())
	add("root_directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd()) //nolint:staticcheck // what the real host passes
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("organization", req.GetOrganization())
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	runCtx, runCancel := context.WithCancel(h.cancelCtx)
	defer runCancel()
	context.AfterFunc(ctx, runCancel)
	cmd, err := tc.Command(runCtx, args...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	if cfg := req.GetConfig(); cfg != nil {
		b, _ := json.Marshal(cfg)
		env = append(env, "PULUMI_CONFIG="+string(b))
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	b, _ := json.Marshal(secretKeys)
	env = append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(b))
	cmd.Env = env

	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ee.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", ee.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: "problem executing program (could not run language executor): " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}
