# syntax=docker/dockerfile:1
# PypiForge images (docs/deploy.md has a compose example with PostgreSQL and a remote agent):
#   docker build --target server -t pypiforge-server .
#   docker build --target agent  -t pypiforge-agent .
#   docker run -p 8080:8080 -p 50051:50051 -v /opt/pypi/packages:/data/packages pypiforge-server

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# The server is compiled ahead of time (ReadyToRun) for the image's platform: a restart over 40,000 files answers sooner
# (docs/benchmarks.md). Framework-dependent: the aspnet runtime image below supplies .NET.
RUN dotnet publish src/Server/Server.csproj -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o /app/server \
    && dotnet publish src/Agent/Agent.csproj -c Release -o /app/agent

# The server: the index, gRPC, the dashboard, and an embedded agent (Queue:EmbeddedAgent) that needs python3 and pip,
# and bubblewrap for its build sandbox. The sandbox needs user namespaces inside the container: run it with
# --security-opt seccomp=unconfined --security-opt apparmor=unconfined (or --privileged), or set
# PYPIFORGE_AGENT__SANDBOX=None to build without one (trusted builds only; see docs/deploy.md).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS server
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-pip python3-venv bubblewrap \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data/packages \
    && chown -R app:app /data
WORKDIR /app
COPY --from=build /app/server .
# Listen on every interface inside the container (gRPC too: Grpc:Port on the same hosts); publish the ports to choose who can reach them.
# PYPIFORGE_URLS, not ASPNETCORE_URLS: the server binds its endpoints itself, and with ASPNETCORE_URLS Kestrel warns on every start that it overrides it.
ENV PYPIFORGE_URLS=http://+:8080 \
    PYPIFORGE_CATALOG__ROOT=/data/packages \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
USER app
EXPOSE 8080 50051
VOLUME ["/data/packages"]
HEALTHCHECK --interval=30s --timeout=3s CMD ["python3", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health').status == 200 else 1)"]
ENTRYPOINT ["dotnet", "PypiForge.Server.dll"]

# A remote build agent: serves the queues of its interpreters in the shared PostgreSQL storage and sends its wheels
# to the server. A compiler and headers, so sdists with C extensions build. Configure it with PYPIFORGE_AGENT__SERVER,
# PYPIFORGE_AGENT__TOKEN and PYPIFORGE_QUEUE__CONNECTIONSTRING (or --server/--token/--hangfire after the image name).
# Builds run in a bubblewrap sandbox: the same container options as the server's apply.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS agent
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-pip python3-venv python3-dev build-essential bubblewrap \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/agent .
ENV PYPIFORGE_AGENT__INTERPRETERS__0=python3 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
USER app
ENTRYPOINT ["dotnet", "PypiForge.Agent.dll"]
