# syntax=docker/dockerfile:1
# PypiForge images. Build the server image with:
#   docker build --target server -t pypiforge-server .
#   docker run -p 8080:8080 -v /opt/pypi/packages:/data/packages pypiforge-server

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Server/Server.csproj -c Release -o /app/server

# The server: the index, and (with the build feature) an embedded agent that needs python3 and pip.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS server
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-pip python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data/packages \
    && chown -R app:app /data
WORKDIR /app
COPY --from=build /app/server .
# Listen on every interface inside the container; publish the port to choose who can reach it.
ENV ASPNETCORE_URLS=http://+:8080 \
    PYPIFORGE_CATALOG__ROOT=/data/packages \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
USER app
EXPOSE 8080
VOLUME ["/data/packages"]
HEALTHCHECK --interval=30s --timeout=3s CMD ["python3", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health').status == 200 else 1)"]
ENTRYPOINT ["dotnet", "PypiForge.Server.dll"]
