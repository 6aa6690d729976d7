using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PypiForge.Protos.V1;

namespace PypiForge.Server.Auth;

/// <summary>The gRPC TokenService (admin only): create, list and revoke API tokens.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class TokenGrpcService(TokenStore tokens, ILogger<TokenGrpcService> logger) : TokenService.TokenServiceBase
{
    public override Task<CreateTokenResponse> CreateToken(CreateTokenRequest request, ServerCallContext context)
    {
        var (token, secret) = TokenCommands.Create(tokens, request.User, string.Join(",", request.Permissions), request.Description,
            message => new RpcException(new Status(StatusCode.InvalidArgument, message)));
        AuthLog.TokenCreated(logger, token.Id, token.User, token.Permissions);
        return Task.FromResult(new CreateTokenResponse { Token = ToMessage(token), Secret = secret });
    }

    public override Task<ListTokensResponse> ListTokens(ListTokensRequest request, ServerCallContext context) =>
        Task.FromResult(new ListTokensResponse { Tokens = { tokens.List().Select(ToMessage) } });

    public override Task<RevokeTokenResponse> RevokeToken(RevokeTokenRequest request, ServerCallContext context)
    {
        if (!tokens.Revoke(request.Id.Trim()))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No token with id '{request.Id}'; ListTokens shows the ids."));
        }

        AuthLog.TokenRevoked(logger, request.Id);
        return Task.FromResult(new RevokeTokenResponse());
    }

    private static TokenInfo ToMessage(StoredToken token) => new()
    {
        Id = token.Id,
        User = token.User,
        Permissions = { token.Permissions.Split(',', StringSplitOptions.RemoveEmptyEntries) },
        Description = token.Description ?? string.Empty,
        Created = Timestamp.FromDateTimeOffset(token.Created),
    };
}
